package io.vilstream.schemas.registry;

/**
 * An error from a schema registry, in Confluent's terms: the HTTP status and the
 * {@code error_code} of its {@code {"error_code":…, "message":…}} body. The embedded server
 * answers with these, the HTTP client maps them back, and the in-memory registry throws the
 * same ones, so callers handle one error type whichever registry they talk to.
 *
 * <p>Status {@link #NO_RESPONSE} means no HTTP answer came at all (connection refused, timeout),
 * after the client's bounded retries.
 */
public class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The status for "no HTTP response" (the registry could not be reached). */
    public static final int NO_RESPONSE = 0;

    // Confluent's error codes (io.confluent.kafka.schemaregistry.rest.exceptions.Errors)
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int SUBJECT_SOFT_DELETED = 40404;
    public static final int SUBJECT_NOT_SOFT_DELETED = 40405;
    public static final int VERSION_SOFT_DELETED = 40406;
    public static final int VERSION_NOT_SOFT_DELETED = 40407;
    public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    public static final int STORE_ERROR = 50001;
    public static final int OPERATION_TIMEOUT = 50002;

    private final int status;
    private final int errorCode;

    public SchemaRegistryException(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(int status, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The HTTP status, or {@link #NO_RESPONSE}. */
    public int status() {
        return status;
    }

    /** Confluent's error code (e.g. 40403), or the HTTP status when the body carried none. */
    public int errorCode() {
        return errorCode;
    }

    /** No answer, or a server-side failure that outlived the retries: worth trying again later. */
    public boolean isUnavailable() {
        return status == NO_RESPONSE || status >= 500;
    }

    public static SchemaRegistryException subjectNotFound(String subject) {
        return new SchemaRegistryException(404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    public static SchemaRegistryException versionNotFound(int version) {
        return new SchemaRegistryException(404, VERSION_NOT_FOUND, "Version " + version + " not found.");
    }

    public static SchemaRegistryException schemaNotFound(String what) {
        return new SchemaRegistryException(404, SCHEMA_NOT_FOUND, what);
    }

    // the deletion errors: Confluent's codes and wording (its messages lack the space after the period)

    public static SchemaRegistryException subjectSoftDeleted(String subject) {
        return new SchemaRegistryException(404, SUBJECT_SOFT_DELETED, "Subject '" + subject
                + "' was soft deleted.Set permanent=true to delete permanently");
    }

    public static SchemaRegistryException subjectNotSoftDeleted(String subject) {
        return new SchemaRegistryException(404, SUBJECT_NOT_SOFT_DELETED, "Subject '" + subject
                + "' was not deleted first before being permanently deleted");
    }

    public static SchemaRegistryException versionSoftDeleted(String subject, int version) {
        return new SchemaRegistryException(404, VERSION_SOFT_DELETED, "Subject '" + subject + "' Version " + version
                + " was soft deleted.Set permanent=true to delete permanently");
    }

    public static SchemaRegistryException versionNotSoftDeleted(String subject, int version) {
        return new SchemaRegistryException(404, VERSION_NOT_SOFT_DELETED, "Subject '" + subject + "' Version "
                + version + " was not deleted first before being permanently deleted");
    }

    public static SchemaRegistryException subjectCompatibilityNotConfigured(String subject) {
        return new SchemaRegistryException(404, SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    public static SchemaRegistryException incompatible(String message) {
        return new SchemaRegistryException(409, INCOMPATIBLE_SCHEMA, message);
    }

    public static SchemaRegistryException invalidSchema(String message) {
        return new SchemaRegistryException(422, INVALID_SCHEMA, message);
    }

    public static SchemaRegistryException invalidVersion(String version) {
        return new SchemaRegistryException(422, INVALID_VERSION, "The specified version '" + version
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    public static SchemaRegistryException invalidCompatibilityLevel(String level) {
        return new SchemaRegistryException(422, INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level '"
                + level + "'. Valid values are none, backward, forward, full, backward_transitive, "
                + "forward_transitive, and full_transitive");
    }

    public static SchemaRegistryException storeError(String message, Throwable cause) {
        return new SchemaRegistryException(500, STORE_ERROR, message, cause);
    }

    public static SchemaRegistryException timeout(String message) {
        return new SchemaRegistryException(500, OPERATION_TIMEOUT, message);
    }
}
