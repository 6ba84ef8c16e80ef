import Foundation

/// HTML/XML escaping. Every string that came from a user-controlled source (narrative, run artifacts, paper
/// CSVs, bibliography) passes through one of these before it reaches the output.
public enum HTML {
    /// Escapes text content: `&`, `<`, `>`.
    public static func text(_ s: String) -> String {
        escape(s, quotes: false)
    }

    /// Escapes an attribute value (double-quoted): text escapes plus `"` and `'`.
    public static func attr(_ s: String) -> String {
        escape(s, quotes: true)
    }

    private static func escape(_ s: String, quotes: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            case "'" where quotes: out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// A string safe to use as an element id / fragment: ASCII letters, digits, `-`, `_`; anything else → `-`.
    public static func anchor(_ s: String) -> String {
        String(s.unicodeScalars.map { c -> Character in
            let v = c.value
            let ok = (v >= 48 && v <= 57) || (v >= 65 && v <= 90) || (v >= 97 && v <= 122) || c == "-" || c == "_"
            return ok ? Character(c) : "-"
        })
    }
}
