// LabEvaluatorsTests: tests arrive with the module.
