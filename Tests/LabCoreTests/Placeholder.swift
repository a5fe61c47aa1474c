// LabCoreTests: tests arrive with the module.
