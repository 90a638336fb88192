module example.com/main

go 1.16

require example.com/local v0.0.0

replace example.com/local => ../local
