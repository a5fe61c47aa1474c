/// A table of the document while it is being parsed: it may still grow, and it remembers what defined it.
///
/// TOML 1.0 lets a table be created in four ways, with different rights to
/// extend it later (toml.io/en/v1.0.0#table):
/// - **implicitly**, as a parent of a header (`[a.b.c]` creates `a` and `a.b`):
///   a later `[a]` may define it, later dotted keys may extend it;
/// - **by a header** `[a]` or `[[a]]`: only that section adds keys to it;
///   neither a second header nor dotted keys from elsewhere may;
/// - **by dotted keys** (`a.b = 1` creates `a`): only dotted keys of the same
///   section (or inline table) may extend it, and no header may define it;
///   headers may still add sub-tables below it (`[a.c]`);
/// - **inline** (`{ … }`): closed; it is stored as a finished ``TOMLValue``
///   and never becomes a node.
///
/// Nodes are classes so that the parser can keep a handle on the current
/// section's table while it grows in place (linear time in the document size);
/// ``table()`` turns the finished tree into value types.
final class TOMLTableNode {
  /// What a key of a table holds while the document is built.
  enum Entry {
    case table(TOMLTableNode)
    /// An array of tables written `[[name]]` (appendable).
    case tables(TOMLArrayOfTablesNode)
    /// A finished value: scalar, static array or inline table (closed to additions).
    case value(TOMLValue)
  }

  /// How the table came to exist (see the type's discussion).
  enum Origin: Equatable {
    case implicit
    case header
    /// Created by dotted keys of the section (or inline table) with this number.
    case dotted(section: Int)
    case inline
  }

  private(set) var keys: [String] = []
  private(set) var entries: [String: Entry] = [:]
  var line: Int
  var origin: Origin
  /// Containers between the root (depth 0) and this table; an array of tables counts one level.
  let depth: Int
  /// The keys from the root, for messages.
  let path: [String]

  init(line: Int, origin: Origin, depth: Int, path: [String]) {
    self.line = line
    self.origin = origin
    self.depth = depth
    self.path = path
  }

  subscript(key: String) -> Entry? { entries[key] }

  /// Sets `key`, keeping the first-insertion order.
  func set(_ key: String, _ entry: Entry) {
    if entries[key] == nil { keys.append(key) }
    entries[key] = entry
  }

  /// The finished table, as value types.
  /// - Complexity: O(n) in the number of values below this table; recursion depth ≤ ``TOMLParser/maximumDepth``.
  func table() -> TOMLTable {
    var result = TOMLTable(line: line)
    result.isInline = origin == .inline
    result.isExplicit = origin == .header
    for key in keys {
      guard let entry = entries[key] else { continue }
      switch entry {
      case .table(let node):
        result.set(key, TOMLValue(.table(node.table()), line: node.line))
      case .tables(let array):
        result.set(key, TOMLValue(.array(array.elements.map { TOMLValue(.table($0.table()), line: $0.line) }), line: array.line))
      case .value(let value):
        result.set(key, value)
      }
    }
    return result
  }
}

/// An array of tables (`[[name]]`) while the document is built: each header appends an element.
final class TOMLArrayOfTablesNode {
  private(set) var elements: [TOMLTableNode]
  /// The line of the first `[[name]]`.
  let line: Int

  init(first: TOMLTableNode) {
    elements = [first]
    line = first.line
  }

  func append(_ element: TOMLTableNode) { elements.append(element) }

  /// The element that later keys go into (there is always one).
  var last: TOMLTableNode { elements[elements.count - 1] }
}
