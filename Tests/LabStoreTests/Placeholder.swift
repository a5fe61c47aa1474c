// LabStoreTests: tests arrive with the module.
