"""API request and response models (the OpenAPI components clients are generated
from), one module per domain, as the routes are."""
