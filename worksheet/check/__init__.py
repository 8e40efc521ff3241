"""Find the slips in a worked solution: its claimed numbers against the calculator's."""
