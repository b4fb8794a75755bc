"""OCG and nominal pages, one module per subject: the OCG record and its members and plan
(ocgs), its lifecycle moves (transitions), and people (nominals)."""
