package io.vilstream.cli.commands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Option;

/** {@code --json FILE}: where a command writes its results for machines, and the one way it writes them. */
public final class JsonOutput {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path file;

    /** The file, or null when none was asked for. */
    public Path file() {
        return file;
    }

    /** Writes {@code value} as indented JSON to the file (its directory created) and says so; nothing without --json. */
    public void write(Object value) throws IOException {
        if (file == null) {
            return;
        }
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        JSON.writeValue(file.toFile(), value);
        System.out.println("wrote " + file);
    }
}
