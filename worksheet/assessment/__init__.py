"""Practice sheets, exams and grading: questions, tolerances, rosters, answer keys."""
