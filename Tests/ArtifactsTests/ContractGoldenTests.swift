import Artifacts
import Foundation
import Testing

/// The schema of docs/artifacts.md, pinned byte for byte: a change to a field's name, type or spelling shows up
/// here before a report or an old run meets it.
@Suite struct ContractGoldenTests {
    static let results = Results(
        chapter: "3-tabddpm",
        numbers: [ReproducedNumber(paperTable: "table4_ml_efficiency_catboost",
                                   key: ["model": "TabDDPM", "dataset_code": "AD"], metric: "f1", mean: 0.79,
                                   std: 0.003, n: 50, nCovers: "5 sampled data sets × 10 evaluator seeds",
                                   tolerance: .absolute(0.02), dataNote: nil, deviation: "3,000 steps instead of 30,000")],
        claims: [ClaimVerdict(id: "C3.1", verdict: "reproduced", evidence: "4 of 5 data sets")],
        notAttempted: [NotAttempted(paperTable: "table5_dcr", key: ["model": "CTABGAN"], reason: "no port")])

    static let resultsText = """
        {
          "chapter": "3-tabddpm",
          "claims": [
            {
              "evidence": "4 of 5 data sets",
              "id": "C3.1",
              "verdict": "reproduced"
            }
          ],
          "notAttempted": [
            {
              "key": {
                "model": "CTABGAN"
              },
              "paperTable": "table5_dcr",
              "reason": "no port"
            }
          ],
          "numbers": [
            {
              "dataNote": null,
              "deviation": "3,000 steps instead of 30,000",
              "key": {
                "dataset_code": "AD",
                "model": "TabDDPM"
              },
              "mean": 0.79,
              "metric": "f1",
              "n": 50,
              "nCovers": "5 sampled data sets × 10 evaluator seeds",
              "paperTable": "table4_ml_efficiency_catboost",
              "std": 0.003,
              "tolerance": {
                "absolute": 0.02,
                "rule": "|Δ| ≤ 0.02, declared before the run"
              }
            }
          ]
        }

        """

    static let manifest = Manifest(
        chapter: "talk", profile: "smoke", started: "2026-11-21T23:40:00Z", wallSeconds: 812.4,
        git: .init(commit: "abc123", dirty: nil), swift: "6.3.1", os: "Debian GNU/Linux 13", cpu: "AMD EPYC (2 cores)",
        blas: .init(core: "Cooperlake", threads: 2, gemm: "OpenBLAS Cooperlake"), kitVersion: "0.1.0",
        config: .object(["steps": .integer(3000), "lr": .number(0.001)]), configHash: "ff00",
        seeds: ["train": [0], "sample": [0, 1]], inputs: [.init(path: "data/goog-stocks/goog.csv", sha256: "aa11")],
        steps: [.init(name: "train-timegan", seconds: 120.5)], deviations: ["sines only"])

    static let manifestText = """
        {
          "blas": {
            "core": "Cooperlake",
            "gemm": "OpenBLAS Cooperlake",
            "threads": 2
          },
          "chapter": "talk",
          "config": {
            "lr": 0.001,
            "steps": 3000
          },
          "configHash": "ff00",
          "cpu": "AMD EPYC (2 cores)",
          "deviations": ["sines only"],
          "git": {
            "commit": "abc123",
            "dirty": null
          },
          "inputs": [
            {
              "path": "data/goog-stocks/goog.csv",
              "sha256": "aa11"
            }
          ],
          "kitVersion": "0.1.0",
          "os": "Debian GNU/Linux 13",
          "profile": "smoke",
          "seeds": {
            "sample": [0, 1],
            "train": [0]
          },
          "started": "2026-11-21T23:40:00Z",
          "steps": [
            {
              "name": "train-timegan",
              "seconds": 120.5
            }
          ],
          "swift": "6.3.1",
          "wallSeconds": 812.4
        }

        """

    static let table = ResultTable(
        id: "ml-efficiency", caption: "ML efficiency",
        columns: [.init("model"), .init("adult (F1)", ranking: .higherIsBetter, alignment: .right, decimals: 3)],
        rows: [["TabDDPM", .compared(ours: Summary(mean: 0.79, std: 0.003, n: 50), paper: Summary(mean: 0.795, std: 0.001))],
               ["SMOTE", .value(Summary(mean: 0.78))], ["CTABGAN", .missing]])

    static let tableText = """
        {
          "caption": "ML efficiency",
          "columns": [
            {
              "alignment": "left",
              "name": "model",
              "ranking": "unranked"
            },
            {
              "alignment": "right",
              "decimals": 3,
              "name": "adult (F1)",
              "ranking": "higherIsBetter"
            }
          ],
          "decimals": 3,
          "id": "ml-efficiency",
          "rows": [
            [
              "TabDDPM",
              {
                "ours": {
                  "mean": 0.79,
                  "n": 50,
                  "std": 0.003
                },
                "paper": {
                  "mean": 0.795,
                  "std": 0.001
                }
              }
            ],
            [
              "SMOTE",
              {
                "mean": 0.78
              }
            ],
            ["CTABGAN", null]
          ]
        }

        """

    @Test func resultsSpelling() throws {
        #expect(try Self.results.jsonText() == Self.resultsText)
        #expect(try Results.decode(Data(Self.resultsText.utf8)) == Self.results)
    }

    @Test func manifestSpelling() throws {
        #expect(try Self.manifest.jsonText() == Self.manifestText)
        #expect(try Manifest.decode(Data(Self.manifestText.utf8)) == Self.manifest)
    }

    @Test func tableSpelling() throws {
        #expect(try JSONValue(encoding: Self.table).canonicalText(pretty: true) + "\n" == Self.tableText)
        #expect(try JSONDecoder().decode(ResultTable.self, from: Data(Self.tableText.utf8)) == Self.table)
    }
}

extension ArtifactFile {
    static func decode(_ data: Data) throws -> Self { try JSONDecoder().decode(Self.self, from: data) }
}
