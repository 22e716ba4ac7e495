// CGraphviz: libgvc + libcgraph (Graphviz 2.42 on Debian 12).
#include <graphviz/gvc.h>
#include <graphviz/cgraph.h>
