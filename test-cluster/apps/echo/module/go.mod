// The echo fixture's program: HashiCorp's http-echo, built from its upstream module (none of its source is here).
module zero-downtime-rollout/test-cluster/apps/echo

go 1.26.0

tool github.com/hashicorp/http-echo

require github.com/hashicorp/http-echo v1.0.0 // indirect
