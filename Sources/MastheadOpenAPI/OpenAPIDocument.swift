/// The project's `openapi.yaml`, compiled into the binary so `GET /openapi.yaml` serves the
/// very document the contract tests check.
public enum OpenAPIDocument {
    public static var bytes: [UInt8] { PackageResources.openapi_yaml }
}
