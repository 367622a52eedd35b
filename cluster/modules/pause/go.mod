module zero-downtime-rollout/cluster/pause

go 1.26.0
