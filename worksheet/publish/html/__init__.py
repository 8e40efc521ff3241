"""Web pages: the practice page that checks answers, and the walkthrough as a page."""
