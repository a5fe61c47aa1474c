// The Gaussian-process module is part of this module's API (BayesOptOptions.gp, BayesOptProposer.lastModel,
// GaussianProcessModel): clients that import LabOptimizers see its types without a second import.
@_exported import LabGaussianProcess
