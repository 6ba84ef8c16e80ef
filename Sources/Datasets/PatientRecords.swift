import Foundation

/// Repeated measurements per patient, read from a long CSV with one row per visit (the catalog's `pbcseq`):
/// columns `id`, `day` (days since the first visit), `futime` (days of follow-up), `status` (0 censored,
/// 1 transplant, 2 dead), and one column per measurement, an empty cell where it was not measured.
public struct PatientRecords: Equatable, Sendable {
    public struct Patient: Equatable, Sendable {
        public var id: String
        /// Visit times in days, strictly increasing.
        public var days: [Double]
        /// Per visit, per feature: the value, or nil where it was not measured.
        public var values: [[Double?]]
        /// Per visit, the CSV line it came from (for messages).
        public var lines: [Int]
        public var followUp: Double
        public var status: Int
    }

    public var file: String
    public var features: [String]
    /// In file order.
    public var patients: [Patient]

    /// The checked `pbcseq` data set (`make data NAME=pbcseq`).
    public static func load(from catalog: DataCatalog, named name: String = "pbcseq", features: [String]) throws -> PatientRecords {
        try PatientRecords(csv: CSVReader.read(catalog.csvFile(named: name).url), features: features)
    }

    /// Reads the rows of `csv`. A patient's rows must be together with increasing `day` and one `futime` and
    /// `status`; any other cell problem is an error naming file, line and column.
    public init(csv: CSVTable, features: [String]) throws {
        let columns = try ["id", "day", "futime", "status"].map { try csv.columnIndex($0) }
        let featureColumns = try features.map { try csv.columnIndex($0) }
        var patients: [Patient] = []
        var finished: Set<String> = []
        for (r, row) in csv.rows.enumerated() {
            let line = csv.lines[r]
            func fail(_ column: Int, _ reason: String) -> DataError {
                .csv(file: csv.file, line: line, column: column + 1, columnName: csv.header[column], reason: reason)
            }
            func number(_ column: Int) throws -> Double {
                try CSVTable.number(row[column], file: csv.file, line: line, column: column + 1, name: csv.header[column])
            }
            let id = row[columns[0]]
            guard !id.isEmpty else { throw fail(columns[0], "empty patient id") }
            let day = try number(columns[1]), followUp = try number(columns[2])
            guard day >= 0 else { throw fail(columns[1], "negative visit day \(row[columns[1]])") }
            guard let status = Int(row[columns[3]]), (0...2).contains(status) else {
                throw fail(columns[3], "status \"\(row[columns[3]])\" is not 0 (censored), 1 (transplant) or 2 (dead)")
            }
            let values: [Double?] = try featureColumns.map { row[$0].isEmpty ? nil : try number($0) }
            if let last = patients.last, last.id == id {
                guard day > last.days.last! else {
                    throw fail(columns[1], "visit day \(row[columns[1]]) of patient \(id) does not come after the previous visit (day \(last.days.last!.formatted()))")
                }
                guard followUp == last.followUp else { throw fail(columns[2], "futime differs from this patient's earlier rows") }
                guard status == last.status else { throw fail(columns[3], "status differs from this patient's earlier rows") }
                patients[patients.count - 1].days.append(day)
                patients[patients.count - 1].values.append(values)
                patients[patients.count - 1].lines.append(line)
            } else {
                if let last = patients.last { finished.insert(last.id) }
                guard !finished.contains(id) else { throw fail(columns[0], "the rows of patient \(id) are not together") }
                patients.append(Patient(id: id, days: [day], values: [values], lines: [line], followUp: followUp, status: status))
            }
        }
        guard !patients.isEmpty else {
            throw DataError.csv(file: csv.file, line: 2, column: nil, columnName: nil, reason: "no data rows")
        }
        self.file = csv.file
        self.features = features
        self.patients = patients
    }
}
