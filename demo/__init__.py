"""The demo outlet: invented stories, people, photos, pages, readers and a staff login.

The top layer of the house: it may import every app, and no app imports it. It is installed
only with DEMO=true (`make run` sets it), which is what makes `manage.py load_demo`,
`load_demo_pages`, `load_demo_reach` and `ensure_demo_staff` exist; a production site without
it carries none of this code in its app registry. Everything here is fiction written for the
demo; no text comes from a real outlet.
"""
