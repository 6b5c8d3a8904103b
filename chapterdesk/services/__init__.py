"""The service layer: the one door to the chapter's data.

The command line, the desktop UI and the tests call these functions; each
opens its own unit of work and returns plain frozen dataclasses, never live
ORM objects.
"""
