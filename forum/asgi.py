"""The ASGI entry point for uvicorn: `uvicorn forum.asgi:app`."""

from forum.app import create_app

app = create_app()
