"""Pages of long lists that cost the same at the end of the history as at its start."""

from django.core.paginator import Paginator


class MirroredPaginator(Paginator):
    """A Paginator whose pages in the second half are read from the other end.

    `?page=N` reads rows with OFFSET, and a database reads and throws away every row it
    skips: the timeline's last page at 10,000 milestones skipped 9,900 of them (150 ms on
    SQLite, against 2 ms for the first page). A page past the middle is read instead in the
    reverse order, skipping only the rows after it, and turned round, so the last page is
    as cheap as the first and no page skips more than half the list. The pages are the
    same rows in the same order as Paginator's, provided the queryset's order is total (it
    ends with a unique key, as the site's list orders do): reversed, ties would come out in
    a different order.
    """

    def page(self, number):
        number = self.validate_number(number)
        ordered = getattr(self.object_list, "ordered", False)
        if not ordered or number <= (self.num_pages + 1) // 2:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = list(self.object_list.reverse()[self.count - top : self.count - bottom])
        rows.reverse()
        return self._get_page(rows, number, self)
