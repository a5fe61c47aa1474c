// LabLiveTests: tests arrive with the module.
