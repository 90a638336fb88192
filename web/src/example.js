// The go.mod the playground opens with: every directive the table shows, in one small file.
export const EXAMPLE_PATH = 'go.mod';

export const EXAMPLE_GO_MOD = `module example.com/hello

go 1.19

require (
	golang.org/x/text v0.14.0
	rsc.io/quote v1.5.2
	rsc.io/sampler v1.3.0 // indirect
)

exclude golang.org/x/text v0.13.0

replace rsc.io/sampler v1.3.0 => rsc.io/sampler v1.3.1

retract v0.1.0 // published by mistake
`;
