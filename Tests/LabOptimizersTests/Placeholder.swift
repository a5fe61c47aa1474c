// LabOptimizersTests: tests arrive with the module.
