// LabSimulationTests: tests arrive with the module.
