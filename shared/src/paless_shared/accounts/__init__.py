"""Accounts: users, groups of users, API tokens and logging in.

Groups carry no rights of their own: grants (the access domain) name groups, and a
user has whatever their groups are granted.
"""
