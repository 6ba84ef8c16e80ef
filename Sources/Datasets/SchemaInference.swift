import Foundation

extension Schema {
    /// A schema guessed from a CSV for a supervised tabular experiment: a column whose every cell is a number is
    /// numeric, any other is categorical. The target is `target` or the last column; its task is regression when
    /// numeric with more than 10 distinct values or any non-integer, binclass/multiclass otherwise (a numeric
    /// target with few whole values is treated as class labels). Pass a schema file to override any of this.
    public static func infer(from csv: CSVTable, target: String? = nil) throws -> Schema {
        guard let targetName = target ?? csv.header.last else {
            throw DataError.csv(file: csv.file, line: 1, column: nil, columnName: nil, reason: "no columns")
        }
        let targetIndex = try csv.columnIndex(targetName)
        var columns: [Column] = []
        for (index, name) in csv.header.enumerated() {
            let numeric = csv.rows.allSatisfy { CSVTable.isDecimal($0[index]) }
            var kind: ColumnKind = numeric ? .numeric : .categorical
            if index == targetIndex, numeric {
                let values = Set(csv.rows.map { Double($0[index]) ?? .nan })
                if values.count <= 10, values.allSatisfy({ $0 == $0.rounded() }) { kind = .categorical }
            }
            columns.append(Column(name: name, kind: kind))
        }
        let targetKind = columns[targetIndex].kind
        let task: PredictionTask
        if targetKind == .numeric {
            task = .regression
        } else {
            task = Set(csv.rows.map { $0[targetIndex] }).count <= 2 ? .binclass : .multiclass
        }
        let schema = Schema(columns: columns, target: targetName, task: task)
        try schema.validate(file: csv.file)
        return schema
    }
}

extension Table {
    /// Checks what a supervised experiment needs beyond well-formed cells: a target with at least two values,
    /// every class with at least `minimumClassSize` rows (a stratified split puts one in each set), and at
    /// least one feature.
    public func checkSupervised(minimumClassSize: Int = 3) throws {
        guard let target = schema.target, let task = schema.task, let column = column(target) else {
            throw DataError.schema(file: file, reason: "no target: name one in the schema (\"target\" and \"task\")")
        }
        guard schema.columns.count > 1 else {
            throw DataError.schema(file: file, reason: "no feature columns besides the target \(target)")
        }
        let line = { (row: Int) in row + 2 }
        switch task {
        case .regression:
            let values = column.numbers ?? []
            if Set(values).count < 2 {
                throw DataError.csv(file: file, line: 2, column: schema.names.firstIndex(of: target).map { $0 + 1 },
                                    columnName: target, reason: "the target is constant; nothing to predict")
            }
        case .binclass, .multiclass:
            let labels = column.strings ?? []
            var counts: [String: (count: Int, firstRow: Int)] = [:]
            for (row, label) in labels.enumerated() {
                counts[label, default: (0, row)].count += 1
            }
            if counts.count < 2 {
                throw DataError.csv(file: file, line: 2, column: schema.names.firstIndex(of: target).map { $0 + 1 },
                                    columnName: target, reason: "the target is constant; nothing to predict")
            }
            if let rare = counts.filter({ $0.value.count < minimumClassSize }).min(by: { $0.value.firstRow < $1.value.firstRow }) {
                throw DataError.csv(file: file, line: line(rare.value.firstRow),
                                    column: schema.names.firstIndex(of: target).map { $0 + 1 }, columnName: target,
                                    reason: "class \(rare.key) has \(rare.value.count) row\(rare.value.count == 1 ? "" : "s"); "
                                        + "train, validation and test each need one (at least \(minimumClassSize))")
            }
        }
    }
}
