module example.invalid/prana-webhook/go/examples/approval

go 1.19

require (
	example.invalid/prana-webhook/go v0.0.0
	github.com/lib/pq v1.10.7
)

replace example.invalid/prana-webhook/go => ../..
