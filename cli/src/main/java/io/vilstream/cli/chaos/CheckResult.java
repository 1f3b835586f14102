package io.vilstream.cli.chaos;

import java.util.Map;

/** One check's outcome: pass, fail, or pending (its condition cannot be judged yet), with what it counted. */
record CheckResult(String name, Outcome outcome, String detail, Map<String, Object> counts) {

    enum Outcome { PASS, FAIL, PENDING }

    static CheckResult pass(String name, String detail, Map<String, Object> counts) {
        return new CheckResult(name, Outcome.PASS, detail, counts);
    }

    static CheckResult fail(String name, String detail, Map<String, Object> counts) {
        return new CheckResult(name, Outcome.FAIL, detail, counts);
    }

    static CheckResult of(String name, boolean ok, String detail, Map<String, Object> counts) {
        return new CheckResult(name, ok ? Outcome.PASS : Outcome.FAIL, detail, counts);
    }
}
