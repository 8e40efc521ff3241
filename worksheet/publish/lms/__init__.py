"""Learning-management-system exports: Moodle XML, QTI 2.1 and Canvas packages of every variant."""
