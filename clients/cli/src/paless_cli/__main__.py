from paless_cli.main import main

main()
