package dev.credits;

import dev.credits.memory.InMemoryCreditStore;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link CreditLedger#withStore} and {@link CreditLedger#actingAs} rebuild a ledger from a copy of its builder: the copy
 * must carry every setting. Finds the builder's fields by reflection, so a setting added later and forgotten in
 * {@code copy()} fails here.
 */
class BuilderCopyTest {

    @Test
    void theCopyOfABuilderCarriesEverySetting() throws Exception {
        CreditLedger.Builder builder = CreditLedger.builder();
        CreditLedger.Builder defaults = CreditLedger.builder();
        List<Field> fields = settings();
        for (Field field : fields) {
            Object value = sample(field.getType(), field.get(defaults));
            assertNotEquals(field.get(defaults), value, field.getName() + ": the sample must differ from the default");
            field.set(builder, value);
        }
        Method copy = CreditLedger.Builder.class.getDeclaredMethod("copy");
        copy.setAccessible(true);
        CreditLedger.Builder copied = (CreditLedger.Builder) copy.invoke(builder);
        for (Field field : fields) {
            assertEquals(field.get(builder), field.get(copied), "copy() drops the setting " + field.getName());
        }
    }

    @Test
    void aLedgerRebuiltOnAnotherStoreOrActorKeepsItsSettings() {
        CreditLedger ledger = CreditLedger.builder().store(new InMemoryCreditStore())
                .maxHoldTimeout(Duration.ofHours(2)).defaultHoldTimeout(Duration.ofHours(2)).build();
        CreditLedger rebuilt = ledger.withStore(new InMemoryCreditStore()).actingAs(Actor.of("admin"));
        rebuilt.saveFeaturePricing(FeatureDefinition.of("video", "Video", 1));
        rebuilt.openAccount("org_1");
        rebuilt.grant(GrantRequest.of("org_1", 5));
        Instant deadline = rebuilt.reserve(ReserveRequest.of("org_1", "video")).hold().expiresAt();
        assertEquals(rebuilt.clock().instant().plus(Duration.ofHours(2)).toEpochMilli(), deadline.toEpochMilli(),
                1_000, "the default hold timeout kept through both copies");
    }

    private static List<Field> settings() {
        List<Field> fields = new java.util.ArrayList<>();
        for (Field field : CreditLedger.Builder.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                field.setAccessible(true);
                fields.add(field);
            }
        }
        return fields;
    }

    /** @return a value of the type that differs from the default; a new type of setting needs a line here */
    private static Object sample(Class<?> type, Object defaultValue) {
        if (type == long.class) {
            return 4242L;
        } else if (type == int.class) {
            return 4242;
        } else if (type == boolean.class) {
            return !(Boolean) defaultValue;
        } else if (type == Duration.class) {
            return Duration.ofSeconds(4242);
        } else if (type == Clock.class) {
            return Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
        } else if (type == ZoneId.class) {
            return ZoneId.of("Asia/Tokyo");
        } else if (type == String.class) {
            return "sample";
        } else if (type == Actor.class) {
            return Actor.of("copy-test");
        } else if (type == PurchasePolicy.class) {
            return new PurchasePolicy(null, null, 4242, List.of(), Map.of());
        } else if (type == Set.class) {
            return Set.of("sample");
        } else if (type == List.class) {
            return List.of("sample");
        } else if (type.isInterface()) {
            return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
                    method.getName().equals("equals") ? proxy == args[0] : method.getName().equals("hashCode")
                            ? System.identityHashCode(proxy) : null);
        }
        return fail("add a sample value for settings of type " + type.getName());
    }
}
