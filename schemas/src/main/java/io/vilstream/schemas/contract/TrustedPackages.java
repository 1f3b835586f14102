package io.vilstream.schemas.contract;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * The one place that tells Avro to trust vilstream's generated classes. Avro 1.12 refuses to
 * load a class named by a schema unless its global {@link ClassSecurityValidator} trusts it
 * ({@code SecurityException: Forbidden ... not trusted}).
 *
 * <p>Why not the {@code org.apache.avro.SERIALIZABLE_PACKAGES} system property: Avro reads it
 * once, in a static initialiser, so setting it from code works only if no Avro class has looked
 * at it yet, and silently does nothing otherwise. Instead this class adds a predicate for the
 * generated package to whatever global validator is installed (so a property set on the command
 * line, or a stricter validator an application installed, keeps working), and only once per JVM.
 * Everything that reads Avro in this module calls {@link #install()} first.
 */
public final class TrustedPackages {

    /** The package the avro-maven-plugin generates into (the .avsc namespace). */
    public static final String GENERATED_PACKAGE = "io.vilstream.schemas.avro";

    private static final ClassSecurityPredicate GENERATED =
            type -> GENERATED_PACKAGE.equals(type.getPackageName());

    static {
        ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        if (!current.isTrusted(io.vilstream.schemas.avro.ContentEvent.class)) {
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(current, GENERATED));
        }
    }

    private TrustedPackages() {
    }

    /** Makes sure the generated package is trusted; cheap after the first call (class init). */
    public static void install() {
        // the work happens once, in the static initialiser, which the JVM runs thread-safely
    }

    /** Whether Avro will load this class from a schema now. */
    public static boolean isTrusted(Class<?> type) {
        return ClassSecurityValidator.getGlobal().isTrusted(type);
    }
}
