"""The test run's environment (SECRET_KEY, DEBUG=false, ...) is set in pyproject.toml.

It lives under `[tool.pytest.ini_options] env`, applied by pytest-env before pytest-django
imports the settings: a conftest.py is imported too late to influence them.
"""
