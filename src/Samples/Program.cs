using AutoDiff.Samples.Cli;

return SampleProgram.Run(args);
