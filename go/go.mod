module example.invalid/prana-webhook/go

go 1.19
