"""Services: the logic behind routes and bot actions (routes and actions stay thin)."""
