"""Custom actions for the Rasa engine, served by rasa_sdk from the app's environment.

Each action is thin: it finds the conversation by its pseudonymous id and calls the same
services the console uses.
"""
