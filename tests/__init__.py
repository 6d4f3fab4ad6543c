"""DeployLab's tests."""
