"""The web application and REST API (FastAPI + Jinja2 + htmx). See :mod:`habeas.web.views`."""

from habeas.web.app import create_app

__all__ = ["create_app"]
