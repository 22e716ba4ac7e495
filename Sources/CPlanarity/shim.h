// CPlanarity: Boyer's edge-addition planarity suite (libplanarity 3.0); vertices are 1-based.
#include <planarity/graph.h>
