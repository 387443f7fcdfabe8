Console.WriteLine("AutoDiff samples");
