"""The web app (FastAPI + Jinja2): thin routes over the domain packages."""
