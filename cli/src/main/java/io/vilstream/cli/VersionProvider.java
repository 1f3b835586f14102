package io.vilstream.cli;

import picocli.CommandLine;

/** The version from the jar's manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Vilstream.class.getPackage().getImplementationVersion();
        return new String[] {"vilstream " + (v == null ? "(development build)" : v)};
    }
}
