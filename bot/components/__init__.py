"""Custom NLU components loaded by the Rasa engine (bot/ is on its PYTHONPATH)."""
