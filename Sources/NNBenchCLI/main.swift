import NNBench
print(TaskCatalogue.all.map(\.name))
