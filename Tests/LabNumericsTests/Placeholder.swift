// LabNumericsTests: tests arrive with the module.
