package io.vilstream.schemas.serde;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.vilstream.schemas.registry.RegistryClientConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The serde's configuration, with Confluent's key names so that a producer, consumer or
 * Streams configuration written for Confluent's serializers works here as it is. Declared once
 * with Kafka's {@link ConfigDef} (types, defaults, validators, docs); {@code configure()} fails
 * with the name of a bad or missing key. Unknown keys (the rest of a client's configuration) are
 * ignored.
 */
public final class AvroSerdeConfig extends AbstractConfig {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";

    public static final String CREDENTIALS_USER_INFO = "USER_INFO";
    public static final String CREDENTIALS_URL = "URL";

    private static final ConfigDef DEF = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new UrlListValidator(), Importance.HIGH,
                    "Comma-separated schema registry URLs (http:// or https://, tried in turn), or mock://<scope> for "
                            + "the in-memory registry shared by every serde of that scope in the JVM.")
            .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Register the record's .avsc schema under its subject on first use. When false the schema must "
                            + "already be registered (SCHEMA_NOT_REGISTERED otherwise).")
            .define(USE_LATEST_VERSION, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Write with the subject's latest registered schema instead of the record's own (the record is "
                            + "resolved into it; it must be readable by the latest schema). Use with "
                            + AUTO_REGISTER_SCHEMAS + "=false.")
            .define(LATEST_CACHE_TTL_SEC, Type.LONG, -1L, ConfigDef.Range.atLeast(-1), Importance.LOW,
                    "How long the latest version of a subject is cached, in seconds; -1 caches it for the serde's life.")
            .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, CREDENTIALS_URL,
                    ConfigDef.ValidString.in(CREDENTIALS_USER_INFO, CREDENTIALS_URL), Importance.MEDIUM,
                    "Where Basic credentials come from: USER_INFO (" + BASIC_AUTH_USER_INFO + ") or URL "
                            + "(http://user:password@host in " + SCHEMA_REGISTRY_URL + ").")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, "", Importance.MEDIUM,
                    "user:password for Basic authentication, with " + BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO.")
            .define(KEY_SUBJECT_NAME_STRATEGY, Type.STRING, SubjectNameStrategy.TOPIC_NAME.shortName(),
                    new StrategyValidator(), Importance.MEDIUM,
                    "Subject naming for keys: " + SubjectNameStrategy.names() + ".")
            .define(VALUE_SUBJECT_NAME_STRATEGY, Type.STRING, SubjectNameStrategy.TOPIC_NAME.shortName(),
                    new StrategyValidator(), Importance.MEDIUM,
                    "Subject naming for values: " + SubjectNameStrategy.names() + ".")
            .define(HTTP_CONNECT_TIMEOUT_MS, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Connect timeout of a registry request, in ms.")
            .define(HTTP_READ_TIMEOUT_MS, Type.INT, 30_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Timeout of a whole registry request (one attempt), in ms.")
            .define(MAX_RETRIES, Type.INT, 3, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Further attempts after a registry request fails to connect or gets a 5xx answer (4xx answers are final).")
            .define(RETRIES_WAIT_MS, Type.INT, 1000, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Wait before the first retry, in ms; doubled for each further retry.")
            .define(RETRIES_MAX_WAIT_MS, Type.INT, 2000, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Upper bound of the wait between retries, in ms.");

    public AvroSerdeConfig(Map<String, ?> props) {
        // doLog=false: the serde is configured once per client and the client logs its own config
        super(DEF, props, false);
    }

    /** The definition, for docs generation and for apps that embed the serde's keys in their own. */
    public static ConfigDef configDef() {
        return new ConfigDef(DEF);
    }

    public List<String> urls() {
        return getList(SCHEMA_REGISTRY_URL);
    }

    public boolean autoRegisterSchemas() {
        return getBoolean(AUTO_REGISTER_SCHEMAS);
    }

    public boolean useLatestVersion() {
        return getBoolean(USE_LATEST_VERSION);
    }

    /** Empty: cache the latest version for ever. */
    public Optional<Duration> latestCacheTtl() {
        long seconds = getLong(LATEST_CACHE_TTL_SEC);
        return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    }

    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        String name = getString(isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY);
        return SubjectNameStrategy.parse(name).orElseThrow(); // the validator has accepted it
    }

    /** How the registry client connects, retries and authenticates. */
    public RegistryClientConfig registryClientConfig() {
        List<URI> urls = urls().stream().map(String::trim).map(URI::create).toList();
        Optional<String> userInfo = Optional.empty();
        if (CREDENTIALS_USER_INFO.equals(getString(BASIC_AUTH_CREDENTIALS_SOURCE))) {
            Password info = getPassword(BASIC_AUTH_USER_INFO);
            String value = info == null ? "" : info.value();
            if (!value.isEmpty()) {
                if (!value.contains(":")) {
                    throw new ConfigException(BASIC_AUTH_USER_INFO, "[hidden]", "must be user:password");
                }
                userInfo = Optional.of(value);
            }
        }
        // with URL as the source the client takes user info from the URLs themselves
        return new RegistryClientConfig(urls, userInfo,
                Duration.ofMillis(getInt(HTTP_CONNECT_TIMEOUT_MS)), Duration.ofMillis(getInt(HTTP_READ_TIMEOUT_MS)),
                getInt(MAX_RETRIES), Duration.ofMillis(getInt(RETRIES_WAIT_MS)), Duration.ofMillis(getInt(RETRIES_MAX_WAIT_MS)));
    }

    /** Accepts http(s) URLs, or exactly one mock:// URL. */
    private static final class UrlListValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (!(value instanceof List<?> list) || list.isEmpty()) {
                throw new ConfigException(name, value, "at least one schema registry URL is required");
            }
            try {
                new RegistryClientConfig(list.stream().map(Object::toString).map(String::trim).map(URI::create).toList(),
                        Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(1), 0, Duration.ZERO, Duration.ZERO);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "http(s)://host:port[,...] or mock://scope";
        }
    }

    private static final class StrategyValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || SubjectNameStrategy.parse(value.toString()).isEmpty()) {
                throw new ConfigException(name, value, "must be one of " + SubjectNameStrategy.names());
            }
        }

        @Override
        public String toString() {
            return SubjectNameStrategy.names();
        }
    }
}
