


module example.com/blank



go 1.16
require (

	example.comoa v1.0.0



	example.com/b v1.0.0


)



