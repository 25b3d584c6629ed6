"""Custom actions for the Rasa engine, served by rasa_sdk (in the app's Python environment).

Actions are pure functions of the tracker: they return events, and commands for the app as
payloads (``{"do": ...}``, ``{"say": ...}``). They open no database and import nothing of the
app; the app applies what they decide after the engine has answered.
"""
