"""DeployLab's domain: a deterministic simpy model of servers, a load balancer and deployments.

Pure Python: nothing here imports Textual, the app, or reads files; every run owns its random.
"""
