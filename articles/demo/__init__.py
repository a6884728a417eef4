"""Demo content for `manage.py load_demo`: invented stories, people, photos and readers.

Everything in this package is fiction written for the demo; no text comes from a real outlet.
"""
