/// The version of this build of Souk, shown by `souk --version` and written as Parquet's `created_by`.
public enum SoukVersion {
    public static let current = "0.1.0"
}
